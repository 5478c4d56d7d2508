#!/usr/bin/env python3
"""grain_eq6_check.py — independent numpy check of Potirniche Eq. (6) assumptions for the grain_spins model:
the tau_M^x peak width (code convention) at mid-band and bandwidth spacings, sigma_1^x spectral density at 2 eps_M
with and without the absorbed spins, and the golden rule 4 pi V_M^2 rho. Usage: V1=1 grain_eq6_check.py N M xi nreal [seed]"""
import numpy as np, sys
import os
w=2.6; V1=float(os.environ.get('V1','1.0'))
def goe(d, N, rng):
    s = w*N/(4*np.sqrt(d)); A = rng.normal(size=(d,d)); return s*(A+A.T)/np.sqrt(2)
def build(Hb, eps, V):
    d=Hb.shape[0]; M=len(eps); sx=np.array([[0,1],[1,0.]]); sz=np.diag([1.,-1])
    N=int(np.log2(d)); X1=np.kron(sx, np.eye(d//2))   # sigma_1^x on grain
    H=np.kron(Hb, np.eye(2**M))
    def op(a, o): return np.kron(np.kron(np.eye(2**a), o), np.eye(2**(M-a-1)))
    for a in range(M):
        H += eps[a]*np.kron(np.eye(d), op(a,sz)) + V[a]*np.kron(X1, op(a,sx))
    return H, np.kron(X1, np.eye(2**M)), (np.kron(np.eye(d), op(M-1,sx)) if M>0 else None)
def mid(E, k):
    c=np.argsort(np.abs(E-E.mean()))[:k]; return np.sort(c)
def specw(E, U, X, idx, om, half):
    # mean over idx of sum_m |<m|X|n>|^2 in |E_m-E_n-om|<half, /(2 half)
    C = U.T @ X @ U[:, idx]; tot=0
    for j,n in enumerate(idx):
        sel = np.abs(E - E[n] - om) < half; tot += np.sum(C[sel,j]**2)
    return tot/len(idx)/(2*half)
def fwhm_code(E, U, X, idx, dE, eps):
    C = U.T @ X @ U[:, idx]
    lo=2*eps-40*dE if False else 0.0; hi=2*eps+ 4.0
    nb=int((hi-lo)/dE); h=np.zeros(nb)
    for j,n in enumerate(idx):
        x=((E-E[n]-lo)/dE); ok=(x>=0)&(x<nb); np.add.at(h, x[ok].astype(int), C[ok,j]**2)
    b=np.argmax(h); l=b-1; r=b+1
    while l>=0 and h[l]>=0.5*h[b]: l-=1
    while r<nb and h[r]>=0.5*h[b]: r+=1
    return (r-l)*dE, lo+(b+.5)*dE
def run(N, M, xi, nreal, seed):
    rng=np.random.default_rng(seed); out=[]
    for it in range(nreal):
        Hb=goe(2**N,N,rng); eps=rng.uniform(0.5,1.5,M); V=V1*np.exp(-np.arange(M)/xi)
        H,X1,TM=build(Hb,eps,V); E,U=np.linalg.eigh(H); D=len(E); k=D//(N+M)
        idx=mid(E,k); dE=(E[idx[-1]]-E[idx[0]])/(k-1)
        g,wp=fwhm_code(E,U,TM,idx,dE,eps[-1])
        dF=(E[-1]-E[0])/(D-1); gF,_=fwhm_code(E,U,TM,idx,dF,eps[-1])
        # bath for spin M: system without spin M
        Hr,X1r,_=build(Hb,eps[:-1],V[:-1]); Er,Ur=np.linalg.eigh(Hr); idr=mid(Er,len(Er)//(N+M-1) if M>1 else len(Er)//N)
        rho_r=specw(Er,Ur,X1r,idr,2*eps[-1],0.15)
        Eb,Ub=np.linalg.eigh(Hb); idb=mid(Eb,max(2**N//N,8))
        rho_b=specw(Eb,Ub,np.kron(np.array([[0,1],[1,0.]]),np.eye(2**N//2)),idb,2*eps[-1],0.15)
        gr=4*np.pi*V[-1]**2*rho_r
        out.append([g/dE, dE, rho_r, rho_b, gr/dE, wp/(2*eps[-1]), gF/dF, dF, gr/dF])
        print(N,M,xi,it, ' '.join('%.4g'%v for v in out[-1]), flush=True)
    a=np.array(out); m=a.mean(0); se=a.std(0,ddof=1)/np.sqrt(len(a))
    print('MEAN N=%d M=%d xi=%g: g/dE %.2f+-%.2f dE %.4g rho_rest %.4f+-%.4f rho_bare %.4f+-%.4f GR/dE %.2f+-%.2f wpk %.3f | full-spectrum dE %.4g: g/dE %.2f+-%.2f GR/dE %.2f'%(N,M,xi,m[0],se[0],m[1],m[2],se[2],m[3],se[3],m[4],se[4],m[5],m[7],m[6],se[6],m[8]),flush=True)
if __name__=='__main__':
    N,M,xi,nr=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); run(N,M,xi,nr,int(sys.argv[5]) if len(sys.argv)>5 else 1)
